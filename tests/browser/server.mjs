// Starts the real `taskstore serve` on a free port of 127.0.0.1 with a
// fresh temporary data directory, and stops it again. Only the process
// started here is ever signalled, by its pid.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const kStartTimeoutMs = 15000;
const kStopTimeoutMs = 10000;

// Resolves to { url, stop() } once the server printed its "listening on"
// line; rejects with the server's stderr when it exits or stays silent.
export async function startServer(binary) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskstore-browser-'));
  const child = spawn(
      binary,
      ['serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });

  const url = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new Error(`taskstore serve printed no "listening on" line ` +
                       `within ${kStartTimeoutMs} ms; stderr:\n${stderr}`));
    }, kStartTimeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`taskstore serve exited with ${code}; stderr:\n` +
                       stderr));
    });
  });

  // SIGTERM stops the server cleanly; SIGKILL only if it hangs.
  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), kStopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  return { url, stop };
}
