/**
 * A quick-input flow of several steps with a step counter ("Mint token for demo/ci-deployer (2/3)")
 * and a Back button, as VS Code's own multi-step inputs behave. Each step is a function that shows
 * one quick pick or input box through this class and returns the next step (or undefined at the end);
 * Back re-runs the previous step, Escape ends the flow.
 */
import * as vscode from 'vscode';

class FlowSignal {
  private constructor(readonly kind: 'back' | 'cancel') {}
  static readonly back = new FlowSignal('back');
  static readonly cancel = new FlowSignal('cancel');
}

export type InputStep = (input: MultiStepInput) => Promise<InputStep | void>;

export interface PickStep<T extends vscode.QuickPickItem> {
  items: readonly T[];
  placeholder?: string;
  activeItem?: T;
  /**
   * Items for what the user typed (e.g. the typed "45m" as a custom lifetime): `before` the list
   * (the first becomes the active item) or `after` it. They are shown whatever the filter, so
   * typing never leaves an empty list.
   */
  typed?: (value: string) => { before?: T[]; after?: T[] };
  /** Whether accepting this item ends the step; a refused item keeps the list open. */
  accepts?: (item: T) => boolean;
  /** Filled in while `load` runs (the list shows a progress bar). */
  load?: () => Promise<readonly T[]>;
}

export interface InputBoxStep {
  value?: string;
  prompt?: string;
  placeholder?: string;
  validate: (value: string) => string | undefined;
}

export class MultiStepInput {
  private readonly history: InputStep[] = [];
  private current: vscode.QuickInput | undefined;

  private constructor(
    readonly title: string,
    private totalSteps: number,
  ) {}

  /** True for the Back button's signal: a step that shows two inputs catches it to go back within itself. */
  static isBack(e: unknown): boolean {
    return e === FlowSignal.back;
  }

  /** Runs the flow from `start`; resolves true when it reached its end, false when the user left it. */
  static async run(title: string, totalSteps: number, start: InputStep): Promise<boolean> {
    const flow = new MultiStepInput(title, totalSteps);
    let step: InputStep | void = start;
    while (step) {
      flow.history.push(step);
      try {
        step = await step(flow);
      } catch (e) {
        if (e === FlowSignal.back) {
          flow.history.pop();
          step = flow.history.pop();
        } else if (e === FlowSignal.cancel) {
          return false;
        } else {
          throw e;
        }
      } finally {
        flow.current?.dispose();
        flow.current = undefined;
      }
    }
    return true;
  }

  /** The step counter follows the path taken (e.g. a revocable mint has no binding step). */
  setTotalSteps(total: number): void {
    this.totalSteps = total;
  }

  private get step(): number {
    return this.history.length;
  }

  private prepare(input: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] }): void {
    input.title = this.title;
    // A one-step input gets no "(1/1)" counter.
    const counted = Math.max(this.totalSteps, this.step) > 1;
    input.step = counted ? this.step : undefined;
    input.totalSteps = counted ? Math.max(this.totalSteps, this.step) : undefined;
    input.ignoreFocusOut = true;
    input.buttons = this.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    this.current?.dispose();
    this.current = input;
  }

  /** Shows a quick pick and resolves with the accepted item. */
  async pick<T extends vscode.QuickPickItem>(step: PickStep<T>): Promise<T> {
    const qp = vscode.window.createQuickPick<T>();
    this.prepare(qp);
    qp.placeholder = step.placeholder;
    qp.matchOnDescription = true;
    const disposables: vscode.Disposable[] = [];
    try {
      return await new Promise<T>((resolve, reject) => {
        let base = [...step.items];
        const refill = (): void => {
          const typed = step.typed?.(qp.value) ?? {};
          const always = (items: T[] = []): T[] => items.map((i) => ({ ...i, alwaysShow: true }));
          const before = always(typed.before);
          qp.items = [...before, ...base, ...always(typed.after)];
          const active = before[0] ?? (qp.value === '' && step.activeItem && base.includes(step.activeItem) ? step.activeItem : undefined);
          if (active) qp.activeItems = [active];
        };
        refill();
        disposables.push(
          qp.onDidChangeValue(refill),
          qp.onDidTriggerButton((b) => reject(b === vscode.QuickInputButtons.Back ? FlowSignal.back : FlowSignal.cancel)),
          qp.onDidAccept(() => {
            const item = qp.selectedItems[0] ?? qp.activeItems[0];
            if (item && (step.accepts?.(item) ?? true)) resolve(item);
          }),
          qp.onDidHide(() => reject(FlowSignal.cancel)),
        );
        qp.show();
        if (step.load) {
          qp.busy = true;
          qp.enabled = false;
          step.load().then(
            (loaded) => {
              base = [...loaded];
              qp.busy = false;
              qp.enabled = true;
              refill();
            },
            (e: unknown) => reject(e),
          );
        }
      });
    } finally {
      for (const d of disposables) d.dispose();
    }
  }

  /** Shows an input box and resolves with the accepted, valid value. */
  async input(step: InputBoxStep): Promise<string> {
    const box = vscode.window.createInputBox();
    this.prepare(box);
    box.value = step.value ?? '';
    box.valueSelection = [0, box.value.length];
    box.prompt = step.prompt;
    box.placeholder = step.placeholder;
    const disposables: vscode.Disposable[] = [];
    try {
      return await new Promise<string>((resolve, reject) => {
        const check = (): string | undefined => (box.validationMessage = step.validate(box.value));
        if (box.value) check();
        disposables.push(
          box.onDidChangeValue(() => check()),
          box.onDidTriggerButton((b) => reject(b === vscode.QuickInputButtons.Back ? FlowSignal.back : FlowSignal.cancel)),
          box.onDidAccept(() => {
            if (check() === undefined) resolve(box.value);
          }),
          box.onDidHide(() => reject(FlowSignal.cancel)),
        );
        box.show();
      });
    } finally {
      for (const d of disposables) d.dispose();
    }
  }
}
