#!/usr/bin/env node
/**
 * The bare-kafkajs baseline of bench:console as a process of its own, like the CLI it is compared with:
 *
 *   node console-bare.mjs produce BROKERS TOPIC FILE    # FILE: pre-serialized values, each a 4-byte length then the bytes
 *   node console-bare.mjs consume BROKERS TOPIC N       # reads N records from the beginning, touching each value
 */
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { consumeCount, produceBytes } from './kafkajs-bare.mjs';

const { Kafka, logLevel } = kafkajs;
const [mode, brokers, topic, arg] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'bench-console-bare', brokers: brokers.split(','), logLevel: logLevel.NOTHING });

if (mode === 'produce') {
  const data = readFileSync(arg);
  const values = [];
  for (let pos = 0; pos < data.length; ) {
    const len = data.readUInt32BE(pos);
    values.push(data.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  await produceBytes(kafka, topic, values);
} else if (mode === 'consume') {
  await consumeCount(kafka, topic, Number(arg));
} else {
  process.stderr.write('usage: console-bare.mjs produce|consume BROKERS TOPIC FILE|N\n');
  process.exitCode = 2;
}
