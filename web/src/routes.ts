/** The console's locations: `#/<target>/<page>[/<name>]` (the target first, so a link keeps it). */

export const PAGES = [
  { id: 'topology', title: 'Topology' },
  { id: 'host', title: 'Host interfaces' },
  { id: 'networks', title: 'Networks' },
  { id: 'history', title: 'History' },
] as const
export type PageId = (typeof PAGES)[number]['id']

export interface Route {
  target: string | undefined
  page: PageId
  name: string | undefined
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((p) => {
    try {
      return decodeURIComponent(p)
    } catch {
      return p // a malformed escape: taken as written
    }
  })
  const [target, page, ...rest] = parts
  const known = PAGES.find((p) => p.id === page)
  return { target: target === undefined || target === '' ? undefined : target, page: known?.id ?? 'topology', name: rest.length > 0 && rest[0] !== '' ? rest.join('/') : undefined }
}

export function hashOf(r: { target: string; page: PageId; name?: string | undefined }): string {
  return `#/${encodeURIComponent(r.target)}/${r.page}${r.name === undefined ? '' : `/${encodeURIComponent(r.name)}`}`
}
