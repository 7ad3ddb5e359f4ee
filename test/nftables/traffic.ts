/**
 * TCP probes between namespaces for the firewall tests: a server that answers each connection with the peer
 * address and port it sees, and a client that reports what it got or why it failed (ECONNREFUSED from a
 * reject, TIMEOUT when packets vanish). node on both ends; the machine has no ping.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'

const SERVER = `const net=require('net');
net.createServer((s)=>s.end(JSON.stringify({address:s.remoteAddress,port:s.remotePort})))
  .listen(Number(process.argv[2]),process.argv[1],()=>console.log('ready'))`

const CLIENT = `const net=require('net');const [host,port,local,ms]=process.argv.slice(1);
const opts={host,port:Number(port)};if(local!=='0')opts.localPort=Number(local);
const s=net.connect(opts);let d='';const done=(o)=>{console.log(JSON.stringify(o));process.exit(0)};
const t=setTimeout(()=>done({ok:false,code:'TIMEOUT'}),Number(ms));
s.on('data',(b)=>{d+=b});s.on('end',()=>{clearTimeout(t);done({ok:true,peer:JSON.parse(d)})});
s.on('error',(e)=>{clearTimeout(t);done({ok:false,code:e.code})})`

export type ProbeResult = { ok: true; peer: { address: string; port: number } } | { ok: false; code: string }

/** Run `fn` while a peer-reporting TCP server listens on ip:port inside `ns`; the server is killed afterwards. */
export async function withPeerServer<T>(ns: string, ip: string, port: number, fn: () => Promise<T>): Promise<T> {
  const server: ChildProcess = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', SERVER, '--', ip, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout?.on('data', (b: Buffer) => (b.toString().includes('ready') ? resolve() : undefined))
      server.on('exit', (code) => reject(new Error(`peer server in '${ns}' on ${ip}:${port} exited (${code})`)))
    })
    return await fn()
  } finally {
    server.kill('SIGKILL')
  }
}

/** Connect from `ns` to ip:port (from `localPort` when given) and report the outcome. */
export function tcpProbe(ns: string, ip: string, port: number, opts: { localPort?: number; timeoutMs?: number } = {}): ProbeResult {
  const timeoutMs = opts.timeoutMs ?? 2000
  const args = ['netns', 'exec', ns, process.execPath, '-e', CLIENT, '--', ip, String(port)]
  args.push(String(opts.localPort ?? 0), String(timeoutMs))
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: timeoutMs + 5000 })
  const line = r.stdout.trim().split('\n').pop() ?? ''
  if (r.status !== 0 || line === '') return { ok: false, code: `CLIENT-FAILED(${r.status}): ${r.stderr.trim()}` }
  return JSON.parse(line) as ProbeResult
}

/** Probe ip:port in `toNs` from `fromNs` with a fresh server (one call = one server). */
export async function probe(
  fromNs: string,
  toNs: string,
  ip: string,
  opts: { port?: number; localPort?: number; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  const port = opts.port ?? 8471
  return withPeerServer(toNs, ip, port, async () => tcpProbe(fromNs, ip, port, opts))
}
