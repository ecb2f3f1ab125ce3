import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CLI = join(import.meta.dirname, '../src/cli.ts');

export type GatewayProcess = { child: ChildProcess; mqttPort: number; stderr: () => string; stdout: () => string[]; exited: Promise<number | null> };

/**
 * Runs `ruong-gateway --config <file>` as its own process and waits for it to say it started: from
 * the sources, or the given program (an installed `ruong-gateway`).
 */
export async function spawnGateway(configFile: string, config: object, program?: string): Promise<GatewayProcess> {
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const child = program
    ? spawn(program, ['--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [CLI, '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let mqttPort = 0;
  const stdout: string[] = [];
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      stdout.push(line);
      const entry = JSON.parse(line) as { msg: string; port?: number };
      if (entry.msg === 'MQTT broker listening') mqttPort = entry.port!;
      if (entry.msg === 'gateway started') resolve();
    });
    void exited.then((code) => reject(new Error(`gateway exited with ${code}: ${stderr}`)));
  });
  return { child, mqttPort, stderr: () => stderr, stdout: () => stdout, exited };
}
