/**
 * The one lifetime input of the extension (mint, re-mint defaults, the Pod and CronJob generators):
 * a list of presets where typing offers what was typed ("45m", "2h30m", "3600") as a custom value,
 * checked with parseDuration, so every place accepts and refuses the same texts with the same words.
 */
import * as vscode from 'vscode';
import { humanDuration } from '../jwt/time';
import { MultiStepInput, type PickStep } from '../common/multiStepInput';
import { DURATION_PRESETS, MIN_EXPIRATION_SECONDS, parseDuration } from './duration';

interface DurationItem extends vscode.QuickPickItem {
  seconds?: number;
  /** Why a typed value is refused (the item stays in the list, accepting it does nothing). */
  problem?: string;
}

export interface DurationInputOptions {
  /** Preselected, e.g. the k8sTokens.mint.defaultDuration setting. */
  defaultDuration: string;
  /** Shown beside the default, e.g. "default (k8sTokens.mint.defaultDuration)". */
  defaultNote: string;
  placeholder?: string;
}

const normalize = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, '');

export function durationPick(o: DurationInputOptions): PickStep<DurationItem> {
  const labels = [...new Set([normalize(o.defaultDuration), ...DURATION_PRESETS])];
  const items: DurationItem[] = labels.flatMap((label) => {
    const r = parseDuration(label);
    if (!r.ok) return [];
    // Only what the label does not say: which one is the default, and which is the shortest allowed.
    const description = label === normalize(o.defaultDuration) ? o.defaultNote : r.seconds === MIN_EXPIRATION_SECONDS ? vscode.l10n.t('the shortest the API server accepts') : undefined;
    return [{ label, seconds: r.seconds, description }];
  });
  return {
    items,
    activeItem: items[0],
    placeholder: o.placeholder ?? vscode.l10n.t('Pick a lifetime, or type one: 90m, 2h30m, 3600s, 1d'),
    typed: (value) => {
      const text = normalize(value);
      if (text === '' || labels.includes(text)) return {};
      const r = parseDuration(text);
      if (r.ok) return { before: [{ label: text, seconds: r.seconds, description: vscode.l10n.t('custom lifetime: {0}', humanDuration(r.seconds)) }] };
      return { after: [{ label: `$(warning) ${value.trim()}`, description: r.short, problem: r.message }] };
    },
    accepts: (item) => item.seconds !== undefined,
  };
}

/** The lifetime step of a multi-step flow, in seconds. */
export async function pickDuration(flow: MultiStepInput, o: DurationInputOptions): Promise<number> {
  const item = await flow.pick(durationPick(o));
  return item.seconds as number;
}

/** A lifetime asked on its own (one step, no counter); undefined when the user cancels. */
export async function askDuration(title: string, o: DurationInputOptions): Promise<number | undefined> {
  let seconds: number | undefined;
  const done = await MultiStepInput.run(title, 1, async (flow) => {
    seconds = await pickDuration(flow, o);
  });
  return done ? seconds : undefined;
}
