/**
 * JWT hover, Decode Token, Check Token Against Cluster (the doctor) and the kubeconfig token lens.
 * The doctor's cluster calls go through services.session (dist/kube.js, loaded on first check).
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { JwtHoverProvider } from './hoverProvider';
import { KubeconfigTokenLens } from './kubeconfigLens';
import { registerTokenCommands } from './tokenCommands';
import { TokenDocuments } from './tokenDocuments';

export interface HoverApi {
  readonly documents: TokenDocuments;
  readonly kubeconfigLens: KubeconfigTokenLens;
}

export function registerHover(services: Services): HoverApi {
  const { context } = services;
  const documents = new TokenDocuments();
  const kubeconfigLens = new KubeconfigTokenLens(services);
  context.subscriptions.push(documents, kubeconfigLens);
  // Every document: the language and scheme settings are read on each hover, so no re-registration.
  context.subscriptions.push(vscode.languages.registerHoverProvider('*', new JwtHoverProvider(services.config, services.log)));
  registerTokenCommands(services, documents);
  return { documents, kubeconfigLens };
}
