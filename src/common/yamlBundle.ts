/** Entry of dist/yaml.js: the `yaml` package, required on first use through src/common/yaml.ts. */
export * from 'yaml';
