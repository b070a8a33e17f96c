/** The command registry: one module per command, listed in the order `mosaic --help` shows them. */
import type { Command } from '../command.js';
import { infoCommand } from './info.js';
import { imgtblCommand } from './imgtbl.js';
import { makehdrCommand } from './makehdr.js';
import { simulateCommand } from './simulate.js';
import { convertCommand } from './convert.js';
import { projectCommand } from './project.js';
import { projexecCommand } from './projexec.js';
import { addCommand } from './add.js';
import { buildCommand } from './build.js';

export const COMMANDS: Command[] = [
  infoCommand,
  convertCommand,
  imgtblCommand,
  makehdrCommand,
  simulateCommand,
  projectCommand,
  projexecCommand,
  addCommand,
  buildCommand,
];
