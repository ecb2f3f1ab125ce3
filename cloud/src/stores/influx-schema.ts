import { errorText, isUnreachable, type InfluxHttp } from './influx-http.ts';
import { StoreUnavailable } from './telemetry-store.ts';

export type RetentionPlan = { raw: { name: string; duration: string }; rollup: { name: string; duration: string } };

/**
 * Creates the database and the two retention policies (raw, the default; hourly rollups, kept longer),
 * or brings their durations in line with the settings. Says which permission is missing when it may not;
 * rejects with StoreUnavailable when InfluxDB does not answer.
 */
export async function ensureInfluxSchema(http: InfluxHttp, plan: RetentionPlan, user: string | undefined): Promise<void> {
  const db = `"${http.database}"`;
  const policies = [
    { rp: plan.raw, clause: ' DEFAULT' },
    { rp: plan.rollup, clause: '' },
  ];
  const policy = (verb: string, { rp, clause }: (typeof policies)[number]) => `${verb} RETENTION POLICY "${rp.name}" ON ${db} DURATION ${rp.duration} REPLICATION 1${clause}`;
  // What an operator without the rights runs instead, on a server that has none of it yet.
  const statements = [`CREATE DATABASE ${db}`, ...policies.map((p) => policy('CREATE', p))];
  try {
    await http.query(statements[0]!, { write: true, database: false });
    const [existing] = await http.query(`SHOW RETENTION POLICIES ON ${db}`);
    const names = new Set((existing?.series?.[0]?.values ?? []).map((v) => String(v[0])));
    for (const p of policies) await http.query(policy(names.has(p.rp.name) ? 'ALTER' : 'CREATE', p), { write: true });
  } catch (err) {
    const message = errorText(err).replace(/\s+/g, ' ');
    if (isUnreachable(err)) throw new StoreUnavailable(`InfluxDB does not answer, so database ${db} cannot be prepared yet: ${message}`, { cause: err });
    if (/authoriz|privilege|401|403/i.test(message)) {
      throw new Error(
        `InfluxDB ${user ? `user "${user}"` : 'token'} may not manage database ${db} (${message}); ` +
          `grant it admin rights, or run these yourself and set RUONG_INFLUX_MANAGE_SCHEMA=false: ${statements.join('; ')}`,
      );
    }
    throw new Error(`cannot prepare InfluxDB database ${db}: ${message}`);
  }
}
