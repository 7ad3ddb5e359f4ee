/**
 * Where changes go: a named network namespace, or (only when asked explicitly) the host's own namespace.
 * Every layer above the model names targets with this type.
 * @module
 */

export type Target = { kind: 'netns'; name: string } | { kind: 'host' }

/** The target in messages: `network namespace 'lab'` or `the host namespace`. */
export function describeTarget(t: Target): string {
  return t.kind === 'host' ? 'the host namespace' : `network namespace '${t.name}'`
}
