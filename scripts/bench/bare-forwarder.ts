/**
 * The ceiling for any ingest API written in Node on this machine: an HTTP server that receives each
 * gzipped batch, inflates it, and forwards line protocol prepared in advance (`x-batch` picks which)
 * to InfluxDB, answering once InfluxDB has. It parses nothing, checks nothing and keeps no ledger.
 * Argument: JSON `{ influxUrl, database, linesFile }`, the file holding a JSON array of bodies.
 */
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { gunzipSync } from 'node:zlib';

const { influxUrl, database, linesFile } = JSON.parse(process.argv[2]!) as { influxUrl: string; database: string; linesFile: string };
const lines = (JSON.parse(readFileSync(linesFile, 'utf8')) as string[]).map((l) => Buffer.from(l));
const influx = new URL(influxUrl);
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    gunzipSync(Buffer.concat(chunks));
    const body = lines[Number(req.headers['x-batch'])]!;
    const write = request(
      { host: influx.hostname, port: influx.port, path: `/write?db=${database}&precision=ms`, method: 'POST', agent, headers: { 'Content-Length': body.length } },
      (answer) => {
        answer.resume();
        answer.on('end', () => {
          res.writeHead(answer.statusCode === 204 ? 200 : 502, { 'Content-Type': 'application/json' });
          res.end('{}');
        });
      },
    );
    write.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }));
});
process.once('SIGTERM', () => process.exit(0));
