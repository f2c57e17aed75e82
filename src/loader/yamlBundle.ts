/** Entry of dist/yaml.js: the `yaml` package, required on first use through src/loader/yaml.ts. */
export * from 'yaml';
