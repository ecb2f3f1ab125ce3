import { SerialPort } from 'serialport';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
const dir = '/tmp/ptyloop'; (await import('node:fs')).mkdirSync(dir, { recursive: true });
let hung = 0, ok = 0; const msgs = {};
for (let i = 0; i < Number(process.argv[2] ?? 100); i++) {
  const child = spawn('socat', ['-d','-d',`pty,raw,echo=0,link=${dir}/a`,`pty,raw,echo=0,link=${dir}/b`], { stdio: ['ignore','ignore','pipe'] });
  await new Promise(r => child.stderr.on('data', d => d.toString().includes('starting data transfer') && r()));
  const port = new SerialPort({ path: `${dir}/b`, baudRate: 9600 });
  await once(port, 'open');
  port.on('data', () => {});
  const closed = new Promise(r => port.on('close', (e) => r(e?.message ?? 'none')));
  await new Promise(r => setTimeout(r, Number(process.argv[3] ?? 0)));
  const exited = once(child, "exit");
  child.kill('SIGTERM');
  const res = await Promise.race([closed, new Promise(r => setTimeout(() => r('HUNG'), 2000))]);
  await exited;
  if (res === 'HUNG') { hung++; await new Promise(r => port.close(r)); } else ok++;
  msgs[res] = (msgs[res] ?? 0) + 1;
}
console.log({ ok, hung, msgs });
