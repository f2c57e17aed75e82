import type * as vscode from 'vscode';
import type { ClusterSession } from './kube/session';
import type { Config } from './common/config';
import type { ErrorReporter } from './common/errors';
import type { Log } from './common/log';

/** Shared services, created once in extension.ts and passed to every feature's register function. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly config: Config;
  readonly log: Log;
  readonly errors: ErrorReporter;
  readonly session: ClusterSession;
}
