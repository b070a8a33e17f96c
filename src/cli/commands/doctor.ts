/** `mosaic doctor`: which compute backend is active and why, and the runtime it runs on. */
import { availableParallelism, cpus } from 'node:os';
import { backend, fallbackReason, native, NATIVE_ADDON_PATH } from '../../native/load.js';
import { VERSION } from '../../version.js';
import type { Command } from '../command.js';

export interface DoctorReport {
  version: string;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  backend: 'native' | 'typescript';
  nativeVersion?: string;
  addon: string;
  fallbackReason?: string;
}

export function doctorReport(): DoctorReport {
  return {
    version: VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    backend: backend(),
    nativeVersion: native?.version().version,
    addon: NATIVE_ADDON_PATH,
    fallbackReason: fallbackReason(),
  };
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Show the active compute backend (native Rust or TypeScript) and the runtime',
  options: [],
  positionals: [],
  async run(_args, ctx) {
    const r = doctorReport();
    if (ctx.json) {
      ctx.stdout.write(JSON.stringify(r) + '\n');
      return;
    }
    const lines = [
      `mosaic ${r.version} on node ${r.node} (${r.platform}), ${r.cores} cores: ${r.cpu}`,
      r.backend === 'native'
        ? `backend: native (Rust addon ${r.nativeVersion}, ${r.addon})`
        : `backend: typescript (native addon not in use: ${r.fallbackReason}); run 'npm run build:native' to build it`,
    ];
    ctx.stdout.write(lines.join('\n') + '\n');
  },
};
