/**
 * What a network's dnsmasq passes to its lease script (bin/hostnet-dhcp-event, cli/dhcp-event.ts) in its
 * environment, so the script knows where to record a lease change: the state directory, the target key, the network.
 * A module of its own: the script imports only this and the store.
 * @module
 */
export const DHCP_EVENT_ENV = { stateDir: 'HOSTNET_STATE_DIR', target: 'HOSTNET_DHCP_TARGET', network: 'HOSTNET_DHCP_NETWORK' } as const
