import { SerialPort } from 'serialport';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
const dir = '/tmp/ptyrace'; (await import('node:fs')).mkdirSync(dir, { recursive: true });
const child = spawn('socat', ['-d','-d',`pty,raw,echo=0,link=${dir}/a`,`pty,raw,echo=0,link=${dir}/b`], { stdio: ['ignore','ignore','pipe'] });
await new Promise(r => child.stderr.on('data', d => d.toString().includes('starting data transfer') && r()));
const port = new SerialPort({ path: `${dir}/b`, baudRate: 9600 });
await once(port, 'open');
port.on('data', () => {});
port.on('close', (e) => { console.log('close', e?.message); process.exit(0); });
const block = Number(process.argv[2] ?? 0);
setTimeout(() => {
  child.kill('SIGTERM');
  const t = Date.now(); while (Date.now() - t < block) {}
}, 100);
setTimeout(() => { console.log('no close after 5 s'); process.exit(1); }, 5000);
