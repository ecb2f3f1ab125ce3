import type { GatewayHealth } from '@ruong/shared';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type GatewayConfig } from './config.ts';
import type { BrokerClient } from './inputs/broker-client.ts';
import type { EmbeddedBroker } from './inputs/embedded-broker.ts';
import { MqttMessages } from './inputs/mqtt-messages.ts';
import type { SerialInput } from './inputs/serial-input.ts';
import { Intake } from './intake.ts';
import { Outbox } from './outbox.ts';
import { ActuationStore } from './actuation/actuation-store.ts';
import { CommandRunner } from './actuation/command-runner.ts';
import { LocalRules } from './actuation/local-rules.ts';
import { MqttValveDriver } from './actuation/mqtt-valve-driver.ts';
import type { ValveDriver } from './actuation/valve-driver.ts';
import { Downlink } from './downlink.ts';
import { Uploader } from './uploader.ts';

export type Gateway = {
  intake: Intake;
  outbox: Outbox;
  uploader: Uploader;
  commands: CommandRunner;
  actuation: ActuationStore;
  downlink: Downlink;
  localRules: LocalRules;
  serial: SerialInput[];
  broker: EmbeddedBroker | undefined;
  brokerClient: BrokerClient | undefined;
  health(): GatewayHealth;
  stop(): Promise<void>;
};

const HEALTH_LOG_MS = 60_000;

/** Starts every part of the gateway: outbox first, so nothing is read before it has a place to go. */
export async function startGateway(config: GatewayConfig, log: Logger): Promise<Gateway> {
  const started = Date.now();
  const outbox = inDataDir(config.dataDir, 'the outbox', () =>
    new Outbox(join(config.dataDir, 'outbox.db'), {
      maxBytes: config.outbox.maxBytes,
      commitIntervalMs: config.outbox.commitIntervalMs,
      onDrop: (dropped, oldestTs) => log.warn({ dropped, oldestTs, maxBytes: config.outbox.maxBytes }, 'outbox full: dropped the oldest unsent readings'),
      onWriteFailed: (err) =>
        log.error({ err: err.message, dataDir: config.dataDir }, 'outbox cannot be written (is the card full?); readings wait in memory, unacknowledged, until it can'),
      onWriteRecovered: (failedMs) => log.info({ failedMs }, 'outbox written again'),
    }),
  );
  const intake = new Intake(outbox, log.child({ component: 'intake' }));

  const health = (): GatewayHealth => {
    const { depth, oldestTs } = outbox.backlog();
    const outboxFailing = outbox.failing();
    return {
      uptimeSec: Math.round((Date.now() - started) / 1000),
      rssBytes: process.memoryUsage.rss(),
      queueDepth: depth,
      oldestUnsentTs: oldestTs,
      readingsIn: intake.readingsIn,
      readingsOut: uploader.readingsOut,
      droppedByCap: outbox.droppedByCap,
      rejects: { ...intake.rejects },
      ...(outboxFailing && { outboxFailing }),
    };
  };
  const actuation = inDataDir(config.dataDir, 'the valve state', () => new ActuationStore(join(config.dataDir, 'actuation.db')));
  const valves = new Map<string, ValveDriver>();
  const commands = new CommandRunner(actuation, { maxOpenSec: config.safety.maxOpenSec, valves }, log.child({ component: 'commands' }));
  const uploader = new Uploader(outbox, config.cloud, log.child({ component: 'uploader' }), health, {
    pendingAcks: () => actuation.pendingAcks(),
    acksDelivered: (seq) => actuation.acksDelivered(seq),
    pendingDecisions: () => actuation.pendingDecisions(),
    decisionsDelivered: (seq) => actuation.decisionsDelivered(seq),
    onCommands: (list) => {
      for (const c of list) void commands.handle(c);
    },
  });
  commands.onAck = () => uploader.nudge();
  const downlink = new Downlink(
    { url: config.cloud.url, token: config.cloud.token, gatewayId: config.gatewayId, retryMinMs: config.cloud.retryMinMs, retryMaxMs: config.cloud.retryMaxMs },
    (cmd) => void commands.handle(cmd),
    log.child({ component: 'downlink' }),
  );

  const known = Object.keys(config.nodes).length ? new Set(Object.keys(config.nodes)) : undefined;
  const messages = new MqttMessages(intake, log.child({ component: 'mqtt' }), known);
  let broker: EmbeddedBroker | undefined;
  let brokerClient: BrokerClient | undefined;
  // Inputs load only when configured: on a Pi Zero every library not loaded is memory kept free.
  const serial: SerialInput[] = [];
  try {
    if (config.serial.length) {
      const { SerialInput } = await import('./inputs/serial-input.ts');
      for (const s of config.serial) serial.push(new SerialInput(s, intake, log));
    }
    if (config.mqtt.mode === 'embedded') {
      const { EmbeddedBroker } = await import('./inputs/embedded-broker.ts');
      broker = new EmbeddedBroker({ host: config.mqtt.host, port: config.mqtt.port, nodes: config.nodes }, messages, log);
      await broker.start();
    } else if (config.mqtt.mode === 'client') {
      const { url, username, password } = config.mqtt;
      const { BrokerClient } = await import('./inputs/broker-client.ts');
      brokerClient = new BrokerClient({ url, username, password, clientId: `ruong-gateway-${config.gatewayId}` }, messages, log);
      brokerClient.start();
    }
  } catch (err) {
    outbox.close();
    actuation.close();
    throw err;
  }
  const publish = broker ? broker.publish.bind(broker) : brokerClient?.publish.bind(brokerClient);
  if (publish) {
    const driver = new MqttValveDriver(publish, config.safety.ackTimeoutMs);
    messages.onAck = (_node, ack) => driver.acked(ack);
    messages.onOnline = (node) => commands.valveOnline(node);
    for (const [node, n] of Object.entries(config.nodes)) if (n.kind === 'valve') valves.set(node, driver);
  }
  const boards: { stop(): Promise<void> }[] = [];
  if (config.firmata.length) {
    const { FirmataValves } = await import('./actuation/firmata-valves.ts');
    for (const b of config.firmata) {
      const board = new FirmataValves(b, config.safety.ackTimeoutMs, log.child({ component: 'firmata' }));
      board.onState = (node, open) => intake.readingSet({ node, readings: { valve_state: open } }, `firmata:${b.path}`);
      for (const relay of board.valves) valves.set(relay, board);
      boards.push(board);
      // In the background: a board that is not plugged in must not stop the readings.
      board.keepConnected(() => {
        for (const relay of board.valves) commands.valveOnline(relay);
      });
    }
  }
  const localRules = new LocalRules(
    actuation,
    commands,
    { cloudUrl: config.cloud.url, token: config.cloud.token, gatewayId: config.gatewayId, syncMs: config.offline.ruleSyncSec * 1000, offlineAfterMs: config.offline.afterSec * 1000 },
    log.child({ component: 'local-rules' }),
    () => uploader.lastSuccessAt,
  );
  intake.observe = (set, ts) => localRules.observe(set, ts);
  for (const s of serial) s.start();
  uploader.start();
  if (valves.size) {
    downlink.start();
    localRules.start();
  }
  // Not awaited: a valve node that is offline must not hold up the readings.
  void commands.closeAllAtBoot();
  const healthTimer = setInterval(() => log.info({ health: health() }, 'gateway health'), HEALTH_LOG_MS);
  healthTimer.unref();
  log.info({ gatewayId: config.gatewayId, serial: config.serial.length, mqtt: config.mqtt.mode }, 'gateway started');

  return {
    intake,
    outbox,
    uploader,
    commands,
    actuation,
    downlink,
    localRules,
    serial,
    broker,
    brokerClient,
    health,
    async stop() {
      clearInterval(healthTimer);
      commands.stop();
      localRules.stop();
      await downlink.stop();
      await Promise.all([...serial.map((s) => s.stop()), ...boards.map((b) => b.stop()), broker?.stop(), brokerClient?.stop()]);
      await uploader.stop();
      outbox.close();
      const held = outbox.failing()?.heldReadings;
      if (held) log.warn({ heldReadings: held }, 'stopped holding readings the card could not take: MQTT nodes send theirs again, serial ones are lost');
      actuation.close();
      log.info('gateway stopped');
    },
  };
}

/** Opens a store in the data folder; a folder the gateway cannot write is a setting to fix, said in one line. */
function inDataDir<T>(dataDir: string, what: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    throw new ConfigError(`dataDir ${dataDir}: cannot keep ${what} there: ${(err as Error).message}`);
  }
}
