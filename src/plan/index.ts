/**
 * The host-interface planner: pure functions from (current, desired) to ordered ops, verification of a
 * re-queried state, the desired state that reverts a change, and an in-memory kernel model.
 *
 * Decisions where the request leaves room (see the module docs of each file for the details):
 * - An interface named without `state` keeps its current state; a new one is created up. New bridges get STP
 *   off and forward delay 0 unless the document says otherwise (with STP on, the kernel default delay).
 * - Port lists on controllers replace the current list; ports left out are detached. A port may name its
 *   controller instead (`controller:`); both ways at once must agree.
 * - Fields the kernel cannot change on a live link (`immutable` in the type descriptors of model/host/types: vlan
 *   id/base/protocol, veth peer, mac-vlan/vtap base and mode, every vxlan field but remotes, vrf table, tap
 *   mode/owner/group/multi-queue, bond mode) make the planner delete and create the link again, keeping its MAC
 *   (and its MTU while the base stays), re-attaching it and its ports, and recreating its children. Children of
 *   kernel kinds hostnet cannot create make that not-supported.
 * - Removing an ethernet/loopback is refused (set it down); DHCP and IPv6 autoconf are not-supported;
 *   `ipvX.enabled: false` removes the static addresses (IPv6 itself is not disabled).
 * - Every controller change is a detach (early) plus an attach (late), so no intermediate step holds a loop.
 * - Routes need a next-hop-interface; routes the kernel flushes on the way (link deleted, recreated, cycled
 *   down, last IPv4 address removed) are added back unless the document removes them.
 * @module
 */
export { planHost, verifyHost, revertDesired } from './host.js'
export type { HostPlan, Mismatch, PlanOptions } from './planner.js'
export type { KernelCaps } from './caps.js'
export type { HostOp, HostOpKind } from './ops.js'
export { scopeSeeds, scopable, scopeOf, scopeNeighbours, restrictState, scopedPlanUsable } from './scope.js'
export type { Scope } from './scope.js'
