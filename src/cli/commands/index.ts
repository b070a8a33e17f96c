/** The command registry: one module per command, listed in the order `mosaic --help` shows them. */
import type { Command } from '../command.js';

/**
 * Every command, by name, loaded on first use: a run of one command compiles only its own
 * modules (loading them all took ~0.1 s of every start). `--help` loads them all.
 */
export const COMMAND_LOADERS: ReadonlyArray<{ name: string; load: () => Promise<Command> }> = [
  { name: 'info', load: async () => (await import('./info.js')).infoCommand },
  { name: 'convert', load: async () => (await import('./convert.js')).convertCommand },
  { name: 'doctor', load: async () => (await import('./doctor.js')).doctorCommand },
  { name: 'imgtbl', load: async () => (await import('./imgtbl.js')).imgtblCommand },
  { name: 'makehdr', load: async () => (await import('./makehdr.js')).makehdrCommand },
  { name: 'simulate', load: async () => (await import('./simulate.js')).simulateCommand },
  { name: 'project', load: async () => (await import('./project.js')).projectCommand },
  { name: 'projexec', load: async () => (await import('./projexec.js')).projexecCommand },
  { name: 'overlaps', load: async () => (await import('./overlaps.js')).overlapsCommand },
  { name: 'diffexec', load: async () => (await import('./diffexec.js')).diffexecCommand },
  { name: 'fitexec', load: async () => (await import('./fitexec.js')).fitexecCommand },
  { name: 'difffitexec', load: async () => (await import('./difffitexec.js')).difffitexecCommand },
  { name: 'bgmodel', load: async () => (await import('./bgmodel.js')).bgmodelCommand },
  { name: 'bgexec', load: async () => (await import('./bgexec.js')).bgexecCommand },
  { name: 'background', load: async () => (await import('./background.js')).backgroundCommand },
  { name: 'add', load: async () => (await import('./add.js')).addCommand },
  { name: 'build', load: async () => (await import('./build.js')).buildCommand },
  { name: 'demo', load: async () => (await import('./demo.js')).demoCommand },
  { name: 'plan', load: async () => (await import('./plan.js')).planCommand },
  { name: 'run', load: async () => (await import('./run.js')).runStageCommand },
  { name: 'check', load: async () => (await import('./check.js')).checkCommand },
  { name: 'status', load: async () => (await import('./status.js')).statusCommand },
  { name: 'slurm', load: async () => (await import('./slurm.js')).slurmCommand },
  { name: 'view', load: async () => (await import('./view.js')).viewCommand },
  { name: 'histogram', load: async () => (await import('./histogram.js')).histogramCommand },
  { name: 'pix2sky', load: async () => (await import('./pix2sky.js')).pix2skyCommand },
  { name: 'sky2pix', load: async () => (await import('./pix2sky.js')).sky2pixCommand },
];

/** The command called `name`, or undefined. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return COMMAND_LOADERS.find((c) => c.name === name)?.load();
}

/** Every command, in the help's order. */
export async function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_LOADERS.map((c) => c.load()));
}
