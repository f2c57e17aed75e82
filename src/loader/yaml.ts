/**
 * The `yaml` package, loaded on first use. It is 115 KB minified, more than half of what the
 * activation bundle would be, and parsing plus evaluating it cost several ms of every activation
 * (`npm run bench`), while only commands that read or write YAML need it. esbuild builds it as
 * dist/yaml.js (entry src/loader/yamlBundle.ts); outside the bundles (unit tests) this requires
 * the package itself. Pure: no `vscode`, so generators and their unit tests use it too.
 */
import * as path from 'node:path';
import type * as YamlModule from 'yaml';
import { requireCached } from './codeCache';

export type Yaml = typeof YamlModule;

declare const YAML_MODULE_PATH: string | undefined;

let loaded: Yaml | undefined;

export function yaml(): Yaml {
  if (!loaded) {
    // A computed require keeps esbuild from inlining the package into the activation bundle.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (typeof YAML_MODULE_PATH === 'string' ? requireCached(path.join(__dirname, YAML_MODULE_PATH)) : require('yaml')) as Yaml;
  }
  return loaded;
}
