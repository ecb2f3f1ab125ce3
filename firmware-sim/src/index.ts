export { SimClock } from './clock.ts';
export { Farm } from './farm.ts';
export { FaultRates, type FaultKind } from './faults.ts';
export { createPtyPair, type PtyPair } from './pty-pair.ts';
export { SerialSensorNode } from './devices/serial-sensor-node.ts';
export { MqttSensorNode } from './devices/mqtt-sensor-node.ts';
export { Random } from './random.ts';
export { MqttValveNode } from './devices/mqtt-valve-node.ts';
export { FirmataBoard, type FirmataRelay } from './devices/firmata-board.ts';
