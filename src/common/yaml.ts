/**
 * The `yaml` package, loaded on first use. It is 115 KB minified, more than half of what the
 * activation bundle would be, and parsing plus evaluating it cost several ms of every activation
 * (`npm run bench`), while only commands that read or write YAML need it. esbuild builds it as
 * dist/yaml.js (entry src/common/yamlBundle.ts); outside the bundles (unit tests) this requires
 * the package itself. Pure: no `vscode`, so generators and their unit tests use it too.
 */
import * as path from 'node:path';
import type * as YamlModule from 'yaml';

export type Yaml = typeof YamlModule;

declare const YAML_MODULE_PATH: string | undefined;

let loaded: Yaml | undefined;

export function yaml(): Yaml {
  if (!loaded) {
    const target = typeof YAML_MODULE_PATH === 'string' ? path.join(__dirname, YAML_MODULE_PATH) : 'yaml';
    // A computed require keeps esbuild from inlining the package into the activation bundle.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(target) as Yaml;
  }
  return loaded;
}
