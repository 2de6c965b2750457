/**
 * Slack's side of Socket Mode (https://docs.slack.dev/apis/events-api/using-socket-mode): the app opens a WebSocket
 * at the URL apps.connections.open gave it, Slack greets it with `hello`, sends envelopes
 * (`{ envelope_id, type, payload, accepts_response_payload }`) and the app acknowledges each with
 * `{ envelope_id, payload? }`. WebSocket framing, ping/pong and close are the `ws` package's.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/** An envelope the app acknowledged. */
export interface SocketAck {
  readonly envelopeId: string;
  readonly payload: unknown;
  /** Milliseconds from sending the envelope to its acknowledgement (undefined for an envelope Slack did not send). */
  readonly elapsedMs?: number | undefined;
}

export class SocketModeServer {
  /** Envelopes the app acknowledged, in order. */
  readonly acks: SocketAck[] = [];
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly sentAt = new Map<string, number>();
  private readonly onAck: () => void;

  /** `onAck` runs after every acknowledgement (the fake wakes its waiters). */
  constructor(onAck: () => void) {
    this.onAck = onAck;
  }

  /** Open connections of the app. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Takes over an HTTP upgrade request: the app's connection. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => this.sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let message: { envelope_id?: string; payload?: unknown };
        try {
          message = JSON.parse(String(data)) as typeof message;
        } catch {
          return;
        }
        if (message.envelope_id) {
          const sent = this.sentAt.get(message.envelope_id);
          this.acks.push({
            envelopeId: message.envelope_id,
            payload: message.payload,
            elapsedMs: sent === undefined ? undefined : performance.now() - sent,
          });
        }
        this.onAck();
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.sockets.size,
          debug_info: { host: 'fake-slack', approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0001' },
        }),
      );
    });
  }

  /** Sends an envelope to one of the app's connections (Slack sends each envelope to one connection). */
  send(envelope: { envelope_id: string } & Record<string, unknown>): void {
    const [ws] = this.sockets;
    if (!ws) throw new Error('the app holds no Socket Mode connection');
    this.sentAt.set(envelope.envelope_id, performance.now());
    ws.send(JSON.stringify(envelope));
  }

  /** Closes every connection (the fake is stopping). */
  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    this.server.close();
  }
}
