/**
 * Native configuration files from a desired state (netcf's job, nmstate's gen_conf): for hosts that keep their
 * distribution's network tool. Pure: the files are returned, the CLI prints or writes them.
 * @module
 */
import { HostnetError } from '../../errors.js'
import type { DesiredState } from '../../model/host/state.js'
import { renderIfcfg } from './ifcfg.js'
import { renderIfupdown } from './ifupdown.js'
import { renderNetworkd } from './networkd.js'
import { renderNmKeyfiles } from './nm-keyfile.js'
import { NATIVE_FORMATS, nativeView, type NativeFile, type NativeFormat } from './view.js'

export { NATIVE_FORMATS, type NativeFile, type NativeFormat } from './view.js'

/** Where each format's files go on a host that uses it. */
export const NATIVE_DIRS: Record<NativeFormat, string> = {
  'nm-keyfile': '/etc/NetworkManager/system-connections',
  networkd: '/etc/systemd/network',
  ifupdown: '/etc/network',
  ifcfg: '/etc/sysconfig/network-scripts',
}

export function parseNativeFormat(text: string): NativeFormat {
  const f = NATIVE_FORMATS.find((x) => x === text)
  if (f === undefined) throw new HostnetError('invalid-argument', `unknown format '${text.slice(0, 32)}': one of ${NATIVE_FORMATS.join(', ')}`, { details: { path: '--format', value: text.slice(0, 32) } })
  return f
}

export function renderNative(doc: DesiredState, format: NativeFormat): NativeFile[] {
  const views = nativeView(doc)
  switch (format) {
    case 'networkd':
      return renderNetworkd(views)
    case 'nm-keyfile':
      return renderNmKeyfiles(views)
    case 'ifupdown':
      return renderIfupdown(views)
    case 'ifcfg':
      return renderIfcfg(views)
  }
}

/** The files as one text (what gen-conf prints): each under a `# FILE` line. */
export function nativeText(files: readonly NativeFile[]): string {
  return files.map((f) => `# FILE ${f.path}\n${f.text}`).join('\n')
}
