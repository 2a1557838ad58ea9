// What the strict validator reports: one problem at one place in a resource.

export interface Finding {
  level: 'error' | 'warning';
  /** Where: `filter_chains[0].filters[0].typed_config.stat_prefix`, `metadata["key"]`; '' is the root. */
  path: string;
  message: string;
}

/** Appends a field name to a path. */
export const fieldPath = (path: string, name: string): string => (path ? `${path}.${name}` : name);
/** Appends a repeated-field index to a path. */
export const indexPath = (path: string, i: number): string => `${path}[${i}]`;
/** Appends a map key to a path. */
export const keyPath = (path: string, key: string): string => `${path}[${JSON.stringify(key)}]`;

/** One line per finding, for error messages. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `  ${f.level}: ${f.path || '<root>'}: ${f.message}`).join('\n');
}
