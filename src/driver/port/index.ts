/**
 * Network ports (libvirt's port API over hostnet's store): {@link PortDriver}, its services, and the pieces the
 * network driver and the CLI use. A NetworkDriver owns one PortDriver (`networks.ports`).
 * @module
 */
export { PortDriver, type PortInfo } from './driver.js'
export type { PortDriverDeps, PortContext } from './context.js'
export type { CreateOptions, PortCreateRequest } from './allocate-txn.js'
export type { PortRecoveryReport } from './recover.js'
export type { BatchResult, PortServices } from './services.js'
export type { GuestEnd, PlugRecord, PortDevice, PortProfileRecord } from './plug-record.js'
export type { PortAssociation } from './association.js'
export { SystemPortServices, type SystemServicesOptions } from './system-services.js'
export { isPortDeviceName, portDeviceName, PORT_DEVICE_PREFIX, tapMac } from './names.js'
export { parsePortInput, portFromInterfaceXml, validateNetworkPortShape } from './xml.js'
export { SYSFS_ROOT_ENV } from '../../sys/sysfs-pci.js'
