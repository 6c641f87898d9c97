/**
 * The audit log: one JSON line per event, CloudEvents-style (specversion, id, source, type, time,
 * subject, data). Events: every authentication result, every denied authorization, every call that
 * changes the registry (with its outcome). Never a password, a token or a request body: the data holds
 * names, the route, the path without its query string, statuses and fixed reason texts.
 *
 * Where lines go is an `AuditSink`: a file, stdout, and/or a Kafka topic (audit-kafka.ts).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';

export type AuditType = 'authentication' | 'authorization' | 'change';

export interface AuditData {
  /** Null when authentication failed. */
  principal: string | null;
  authMethod: string | null;
  operation: string | null;
  /** `subject:orders-value`, `context:.team`, `global`, `schema:42`… */
  resource: string | null;
  result: 'success' | 'failure' | 'denied';
  /** The HTTP status answered (changes and denials). */
  status?: number;
  reason?: string;
  clientAddress: string;
  requestId: string;
  method: string;
  /** The request path, without the query string. */
  path: string;
  route: string | null;
}

export interface AuditEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: AuditData;
}

export interface AuditSink {
  /** `line` is `event` as one JSON line (with its newline). */
  write(line: string, event: AuditEvent): void;
  close(): Promise<void>;
}

export const AUDIT_TYPE_PREFIX = 'io.schemata.registry.';

export class AuditLog {
  constructor(
    private readonly sink: AuditSink,
    private readonly source = `schemata/${hostname()}`,
  ) {}

  record(type: AuditType, data: AuditData): void {
    const event: AuditEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: this.source,
      type: AUDIT_TYPE_PREFIX + type,
      time: new Date().toISOString(),
      ...(data.resource ? { subject: data.resource } : {}),
      datacontenttype: 'application/json',
      data,
    };
    this.sink.write(`${JSON.stringify(event)}\n`, event);
  }

  close(): Promise<void> {
    return this.sink.close();
  }
}

/** Appends to a file (created with mode 0600). Write errors go to `onError`, never to the request. */
export class FileAuditSink implements AuditSink {
  private readonly stream: WriteStream;

  constructor(path: string, onError: (err: unknown) => void) {
    this.stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
    this.stream.on('error', onError);
  }

  write(line: string): void {
    this.stream.write(line);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}

export class StdoutAuditSink implements AuditSink {
  write(line: string): void {
    process.stdout.write(line);
  }

  async close(): Promise<void> {}
}

/** `-` or `stdout`: standard output; anything else: a file path. */
export function auditSink(target: string, onError: (err: unknown) => void): AuditSink {
  return target === '-' || target === 'stdout' ? new StdoutAuditSink() : new FileAuditSink(target, onError);
}
