/**
 * Kimchi's and wok's message codes with hostnet's own wording (the codes and their `%(name)s` placeholders are
 * Kimchi's: clients match on the code at the start of `reason`).
 * @module
 */

export const MESSAGES: Readonly<Record<string, string>> = {
  // wok
  WOKAPI0005E: 'Creating is not possible for %(resource)s',
  WOKAPI0006E: 'The request body is not valid JSON',
  WOKAPI0007E: 'This API accepts JSON bodies only (Content-Type: application/json)',
  WOKAPI0008E: 'The parameters do not match the schema: %(err)s',
  WOKAPI0009E: 'You are not allowed to perform this operation',
  WOKASYNC0001E: 'There is no task %(id)s',
  WOKAUTH0002E: 'Authentication required: log in first (POST /login), or send HTTP Basic credentials',
  WOKAUTH0004E: 'Too many failed logins: wait %(seconds)s seconds and try again',
  WOKAUTH0007E: 'Give a username and a password to log in',
  WOKAUTH0008E: 'The user name or the password is wrong',
  WOKOBJST0001E: 'There is no %(item)s',
  KCHAPI0001E: 'Parameter %(value)s is not recognised',
  // networks
  KCHNET0001E: 'A network named %(name)s exists already',
  KCHNET0002E: 'Network %(name)s does not exist',
  KCHNET0003E: 'Subnet %(subnet)s of network %(network)s is not valid',
  KCHNET0004E: 'A host interface is needed to create the bridged or macvtap network %(name)s',
  KCHNET0005E: 'Network %(name)s is active: it can be neither deleted nor updated',
  KCHNET0006E: 'Interface %(iface)s asked for network %(network)s is already used by another network',
  KCHNET0007E: 'Interface %(iface)s is neither a NIC, a bond nor a bridge',
  KCHNET0008E: 'Creating or updating network %(name)s failed: %(err)s',
  KCHNET0009E: "No free address range is left for network '%(name)s'",
  KCHNET0010E: 'Interface %(iface)s exists already',
  KCHNET0011E: 'A network name must be a non-empty string without / or " (got %(value)s)',
  KCHNET0012E: 'The network type must be one of isolated, nat, bridge, macvtap, vepa, passthrough (got %(value)s)',
  KCHNET0013E: 'The subnet must be a string address/prefix or address/netmask (got %(value)s)',
  KCHNET0014E: 'The interfaces must be a JSON array (got %(value)s)',
  KCHNET0015E: 'The VLAN id must be an integer from 1 to 4094 (got %(value)s)',
  KCHNET0016E: 'Both name and type (connection) are needed to create a network (got %(value)s)',
  KCHNET0017E: 'Network %(name)s is used by VMs (%(vms)s) and/or templates (%(tmpls)s): it cannot be deleted or updated',
  KCHNET0018E: 'Network %(name)s is used by VMs (%(vms)s) and/or templates (%(tmpls)s): it cannot be deactivated',
  KCHNET0019E: '%(name)s is a bridge: it cannot be the parent of a VLAN',
  KCHNET0020E: 'Bringing up interface %(iface)s failed: %(err)s',
  KCHNET0021E: 'Interface %(iface)s did not come up: check its link',
  KCHNET0022E: 'Starting network %(name)s failed: %(err)s',
  KCHNET0024E: 'Changing interface %(name)s failed: %(err)s',
  KCHNET0025E: 'Creating bridge %(name)s failed (the host was left as it was): %(err)s',
  KCHNET0027E: 'NetworkManager manages interface %(iface)s: let hostnet manage it (nmcli device set %(iface)s managed no) and retry',
  KCHNET0028E: 'Interface %(name)s must be a NIC or a bond',
  KCHNET0029E: 'At least one interface is needed',
  KCHNET0030E: "'bridge' and 'macvtap' networks take exactly one interface",
  KCHNET0031E: 'A subnet is accepted only for nat and isolated networks',
  KCHNET0032E: 'vlan_id and interfaces are not accepted for nat and isolated networks',
  // host interfaces
  KCHIFACE0001E: 'Interface %(name)s does not exist',
  KCHIFACE0002E: 'Invalid _inuse value %(value)s: expected one of %(supported_inuse)s',
  // templates
  KCHTMPL0001E: 'A template named %(name)s exists already',
  KCHTMPL0002E: 'Source media %(path)s does not exist',
  KCHTMPL0003E: "Network '%(network)s' given for template %(template)s does not exist",
  KCHTMPL0007E: 'Template %(template)s uses network %(network)s, which is not active',
  KCHTMPL0008E: 'A template name must be a non-empty string without leading, trailing or double spaces (got %(value)s)',
  KCHTMPL0009E: 'The icon must be a path under plugins/kimchi/images/ (got %(value)s)',
  KCHTMPL0010E: 'os_distro must be a non-empty string (got %(value)s)',
  KCHTMPL0011E: 'os_version must be a non-empty string (got %(value)s)',
  KCHTMPL0012E: 'vcpus and maxvcpus must be integers of at least 1 (got %(value)s)',
  KCHTMPL0013E: 'Memory must be an integer of at least 512 MiB (got %(value)s)',
  KCHTMPL0014E: 'cdrom must be a local path or an http(s)/(t)ftp(s) URL (got %(value)s)',
  KCHTMPL0015E: 'The storage pool must be a /plugins/kimchi/storagepools/NAME URI (got %(value)s)',
  KCHTMPL0016E: 'The source media must be {"type": "disk"|"netboot", "path"?} (got %(value)s)',
  KCHTMPL0017E: 'The template networks must be a list (got %(value)s)',
  KCHTMPL0022E: 'Disk size must be a number of at least 1 GiB (got %(value)s)',
  KCHTMPL0026E: 'sockets, cores and threads must be integers of at least 1 (got %(value)s)',
  KCHTMPL0027E: 'Disk format must be one of qcow, qcow2, qed, raw, vmdk, vpc (got %(value)s)',
  KCHTMPL0030E: 'Memory must be an object with current and/or maxmemory (got %(value)s)',
  KCHTMPL0031E: 'Memory (%(mem)s MiB) may not exceed the maximum memory (%(maxmem)s MiB)',
  KCHTMPL0032E: 'Updating the template failed: %(err)s',
  KCHTMPL0033E: 'disks must be a non-empty list of distinct objects (got %(value)s)',
  KCHTMPL0034E: "Invalid interface type: 'macvtap' for a host NIC, bond or VLAN attached directly, 'ovs' for an Open vSwitch bridge (got %(value)s)",
  KCHTMPL0035E: "An interface's name must be a string (got %(value)s)",
  KCHTMPL0036E: "An interface's mode must be bridge or vepa (got %(value)s)",
  KCHTMPL0037E: 'interfaces must be a list of {name, type, mode?} objects (got %(value)s)',
  KCHTMPL0038E: "An interface entry is an object with the keys 'name', 'type' and 'mode' only (got %(value)s)",
  KCHTMPL0039E: 'Template interfaces need an s390x or s390 host',
  KCHTMPL0042E: 'A disk given without a storage pool needs an absolute path (got %(value)s)',
  KCHTMPL0043E: 'The console setting needs an s390x or s390 host',
  KCHTMPL0044E: 'The console must be sclp or virtio (got %(value)s)',
  KCHCPUINF0008E: 'cpu_info must be an object with vcpus, maxvcpus and topology (got %(value)s)',
  KCHCPUINF0009E: 'topology must be an object with sockets, cores and threads (got %(value)s)',
  KCHCPUINF0001E: 'vcpus may not exceed maxvcpus',
  KCHCPUINF0002E: 'With a topology, maxvcpus must equal sockets x cores x threads',
  KCHCPUINF0005E: 'With a topology, vcpus must be a multiple of threads',
  // VMs
  KCHVM0001E: 'A virtual machine named %(name)s exists already',
  KCHVM0002E: 'Virtual machine %(name)s does not exist',
  KCHVM0007E: 'Creating virtual machine %(name)s failed: %(err)s',
  KCHVM0008E: 'Updating virtual machine %(name)s failed: %(err)s',
  KCHVM0011E: 'A VM name must be a string without / (got %(value)s)',
  KCHVM0012E: 'The template must be a /plugins/kimchi/templates/NAME URI (got %(value)s)',
  KCHVM0016E: 'A template is needed to create a VM (got %(value)s)',
  KCHVM0019E: 'Starting virtual machine %(name)s failed: %(err)s',
  KCHVM0020E: 'Powering off virtual machine %(name)s failed: %(err)s',
  KCHVM0021E: 'Deleting virtual machine %(name)s failed: %(err)s',
  KCHVM0029E: 'Shutting down virtual machine %(name)s failed: %(err)s',
  KCHVM0086E: 'The description must be a string (got %(value)s)',
  KCHVM0085E: 'The title must be a string (got %(value)s)',
  // VM interfaces
  KCHVMIF0001E: 'Virtual machine %(name)s has no interface %(iface)s',
  KCHVMIF0002E: 'Network %(network)s given for virtual machine %(name)s does not exist',
  KCHVMIF0004E: 'The interface type must be network (ovs and macvtap: s390x/s390 hosts only) (got %(value)s)',
  KCHVMIF0005E: 'network must be a string (got %(value)s)',
  KCHVMIF0006E: 'Invalid NIC model (got %(value)s)',
  KCHVMIF0007E: 'type and network are needed to add a VM interface (got %(value)s)',
  KCHVMIF0008E: 'A MAC address of the form FF:FF:FF:FF:FF:FF is needed',
  KCHVMIF0009E: 'Virtual machine %(name)s already has an interface with MAC %(mac)s',
  KCHVMIF0010E: 'The MAC address is malformed (got %(value)s)',
  KCHVMIF0011E: 'The MAC address can be changed only while the VM is shut off',
  KCHVMIF0012E: 'The macvtap and ovs interface types need an s390x or s390 host',
  KCHVMIF0013E: 'source needs an s390x or s390 host',
  KCHVMIF0014E: 'With a source, the type must be macvtap or ovs',
  KCHVMIF0015E: 'The macvtap and ovs types need a source',
  KCHVMIF0016E: 'source must be a string (got %(value)s)',
  KCHVMIF0017E: 'mode must be bridge or vepa (got %(value)s)',
  // hostnet's own codes (no Kimchi code fits)
  HOSTNET0000E: 'Internal error: %(err)s',
  HOSTNET0001E: 'No connection to libvirt at %(uri)s: %(err)s',
  HOSTNET0002E: 'Network %(network)s is not active: a NIC gets its port from a running network (activate it first)',
  HOSTNET0004E: 'libvirt refused to change the interfaces of virtual machine %(name)s: %(err)s',
  HOSTNET0005E: 'A port on network %(network)s could not be made for virtual machine %(name)s: %(err)s',
  HOSTNET0006E: 'Too many %(what)s (at most %(max)s)',
  HOSTNET0007E: 'The host account check is not available: %(err)s',
  HOSTNET0008E: 'Invalid request: %(err)s',
  HOSTNET0009E: 'Not found: %(err)s',
  HOSTNET0010E: 'No such resource: %(path)s',
  HOSTNET0011E: 'Method %(method)s is not allowed on %(path)s',
}

/** Longest placeholder value printed (a message never echoes a huge value). */
export const MESSAGE_VALUE_MAX_CHARS = 200

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)
  return s.length > MESSAGE_VALUE_MAX_CHARS ? `${s.slice(0, MESSAGE_VALUE_MAX_CHARS)}…` : s
}

/** `CODE: message` with the placeholders filled in (unknown placeholders are left as written). */
export function reasonText(code: string, params: Readonly<Record<string, unknown>> = {}): string {
  const template = MESSAGES[code] ?? code
  const text = template.replace(/%\((\w+)\)s/g, (whole, key: string) => (key in params ? show(params[key]) : whole))
  return `${code}: ${text}`
}
