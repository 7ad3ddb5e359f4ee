/**
 * Traffic control for network ports and networks, as libvirt does it: pure renderers of tc argv
 * (interface bandwidth, the network bridge's htb tree, floor classes) and of the Open vSwitch QoS form
 * (ovs-vsctl argv, or OVSDB operations), an applier over sys/exec and a reader of the kernel's tc state.
 * @module
 */
export { commandLine, OVS_VSCTL, shellQuote, TC } from './command.js'
export type { ShapingCommand } from './command.js'
export {
  kbps,
  optimalQuantum,
  renderClearBandwidth,
  renderInterfaceBandwidth,
  renderNetworkBandwidth,
} from './render-interface.js'
export type { InterfaceBandwidthOptions } from './render-interface.js'
export {
  renderFloorFilter,
  renderFloorPlug,
  renderFloorPlugAndRebalance,
  renderFloorUnplug,
  renderFloorUnplugAndRebalance,
  renderUpdateFloorFilter,
  renderUpdateRate,
} from './render-floor.js'
export type { FloorPlugRender } from './render-floor.js'
export {
  NOTHING_FOUND,
  ovsExternalIds,
  ovsQosLookups,
  parseOvsUuids,
  renderOvsClearQos,
  renderOvsQos,
} from './render-ovs.js'
export type { OvsQosFound, OvsQosOptions } from './render-ovs.js'
export { ovsQosOps } from './ovs-ops.js'
export { applyOvsQos, applyShapingCommands, lookUpOvsQos } from './apply.js'
export type { AppliedCommand, ShapingApplyOptions } from './apply.js'
export { hasHtbRoot, readClassRate, parseClassLine, parseFilterText, parseTcRate, parseTcSize, readTcState } from './query.js'
export type { TcClass, TcFilter, TcPolice, TcQdisc, TcState } from './query.js'
