/**
 * Bulk TCP goodput between two network namespaces with small node programs run through `ip netns exec`: the
 * receiver counts payload bytes and reports those received in a window after a warm-up (so a policer's initial
 * burst does not count), the sender writes as fast as the socket drains.
 */
import { spawn } from 'node:child_process'

// argv: [node, host, port, warmMs, measureMs]
const RECEIVER =
  `const net=require('net');const [,host,port,warm,measure]=process.argv;const W=Number(warm),M=Number(measure);` +
  `let first=0,total=0;const marks=[];` +
  `const srv=net.createServer(s=>{s.on('data',b=>{const t=performance.now();if(!first){first=t;setTimeout(done,W+M+20)}` +
  `total+=b.length;marks.push([t-first,total])});s.on('error',()=>{})});` +
  `function at(x){let v=0;for(const [t,c] of marks){if(t<=x)v=c;else break}return v}` +
  `function done(){const bytes=at(W+M)-at(W);` +
  `console.log(JSON.stringify({bytes,seconds:M/1000,bytesPerSec:bytes/(M/1000),total}));process.exit(0)}` +
  `srv.listen(Number(port),host,()=>console.log('ready'))`

// argv: [node, host, port, maxMs]
const SENDER =
  `const net=require('net');const [,host,port,ms]=process.argv;const buf=Buffer.alloc(65536,7);` +
  `const s=net.connect(Number(port),host,()=>{const w=()=>{while(s.write(buf)){}};s.on('drain',w);w()});` +
  `s.on('error',()=>process.exit(0));s.on('close',()=>process.exit(0));setTimeout(()=>process.exit(0),Number(ms))`

export interface Goodput {
  bytes: number
  seconds: number
  bytesPerSec: number
  /** Everything received, warm-up included. */
  total: number
}

export interface GoodputOptions {
  fromNs: string
  toNs: string
  /** Address the receiver binds in `toNs`. */
  toIp: string
  port?: number
  warmMs?: number
  measureMs?: number
}

function nodeIn(ns: string, script: string, args: string[]): string[] {
  return ['netns', 'exec', ns, process.execPath, '-e', script, '--', ...args]
}

/** Measure the goodput of one bulk TCP transfer from `fromNs` to `toIp` in `toNs`. */
export async function measureGoodput(o: GoodputOptions): Promise<Goodput> {
  const port = String(o.port ?? 7911)
  const warm = o.warmMs ?? 1000
  const measure = o.measureMs ?? 3000
  const args = [o.toIp, port, String(warm), String(measure)]
  const receiver = spawn('ip', nodeIn(o.toNs, RECEIVER, args), { stdio: ['ignore', 'pipe', 'pipe'] })
  let sender: ReturnType<typeof spawn> | undefined
  try {
    const result = new Promise<Goodput>((resolve, reject) => {
      let out = ''
      receiver.stdout.on('data', (b: Buffer) => {
        out += b.toString()
        if (sender === undefined && out.includes('ready')) {
          sender = spawn('ip', nodeIn(o.fromNs, SENDER, [o.toIp, port, String(warm + measure + 30_000)]), { stdio: 'ignore' })
        }
        const line = out.split('\n').find((l) => l.startsWith('{'))
        if (line !== undefined) resolve(JSON.parse(line) as Goodput)
      })
      receiver.on('exit', (code) => reject(new Error(`receiver in '${o.toNs}' exited (${code}) before reporting: ${out}`)))
    })
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error('goodput measurement timed out')), warm + measure + 60_000).unref()
    })
    return await Promise.race([result, timeout])
  } finally {
    receiver.kill('SIGKILL')
    sender?.kill('SIGKILL')
  }
}
