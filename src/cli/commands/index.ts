/** The command registry: one module per command, listed in the order `mosaic --help` shows them. */
import type { Command } from '../command.js';
import { infoCommand } from './info.js';
import { doctorCommand } from './doctor.js';
import { imgtblCommand } from './imgtbl.js';
import { makehdrCommand } from './makehdr.js';
import { simulateCommand } from './simulate.js';
import { convertCommand } from './convert.js';
import { projectCommand } from './project.js';
import { projexecCommand } from './projexec.js';
import { addCommand } from './add.js';
import { buildCommand } from './build.js';
import { pix2skyCommand, sky2pixCommand } from './pix2sky.js';

export const COMMANDS: Command[] = [
  infoCommand,
  convertCommand,
  doctorCommand,
  imgtblCommand,
  makehdrCommand,
  simulateCommand,
  projectCommand,
  projexecCommand,
  addCommand,
  buildCommand,
  pix2skyCommand,
  sky2pixCommand,
];
