import { mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlSocketAnswers, listenControlSocket, parseControlRequest, sendControlRequest, type ControlRequest } from './control-socket.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'caucus-control-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the control socket', () => {
  it('accepts only its fixed commands, with bounded string fields and nothing more', () => {
    expect(parseControlRequest('{"command":"migrate"}')).toEqual({ command: 'migrate' });
    const admin = { command: 'create-admin', email: 'ada@example.org', handle: 'ada', displayName: 'Ada', password: 'Tulipe-Rouge-2027!' };
    expect(parseControlRequest(JSON.stringify(admin))).toEqual(admin);
    expect(() => parseControlRequest('not json')).toThrow(/not JSON/);
    expect(() => parseControlRequest('["migrate"]')).toThrow(/JSON object/);
    expect(() => parseControlRequest('{"command":"seed"}')).toThrow(/Unknown command/);
    expect(() => parseControlRequest('{"command":"migrate","sql":"DROP TABLE members"}')).toThrow(/Unknown field\(s\): sql/);
    expect(() => parseControlRequest(JSON.stringify({ ...admin, handle: 42 }))).toThrow(/handle/);
    expect(() => parseControlRequest(JSON.stringify({ ...admin, password: 'x'.repeat(2000) }))).toThrow(/password/);
  });

  it('runs a request, answers its output or its error, is for its owner only, and leaves no file when closed', async () => {
    const socketPath = path.join(dir, 'db.sock');
    const seen: ControlRequest[] = [];
    const socket = await listenControlSocket(socketPath, async (request) => {
      seen.push(request);
      if (request.command === 'migrate') throw new Error('Migration 0009 failed.');
      return 'pong';
    });
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(await controlSocketAnswers(socketPath)).toBe(true);
    expect(await sendControlRequest(socketPath, { command: 'ping' })).toEqual({ ok: true, output: 'pong' });
    expect(await sendControlRequest(socketPath, { command: 'migrate' })).toEqual({ ok: false, error: 'Migration 0009 failed.' });
    // What a hand-written client sends is validated the same way, and never reaches the handler.
    const raw = await new Promise<string>((resolve) => {
      const client = net.connect(socketPath, () => client.write('{"command":"seed"}\n'));
      let answer = '';
      client.on('data', (d) => (answer += d));
      client.on('end', () => resolve(answer));
    });
    expect(JSON.parse(raw)).toMatchObject({ ok: false, error: expect.stringMatching(/Unknown command/) });
    expect(seen.map((r) => r.command)).toEqual(['ping', 'migrate']);

    await socket.close();
    expect(() => statSync(socketPath)).toThrow(/ENOENT/);
    expect(await controlSocketAnswers(socketPath)).toBe(false);
  });
});
