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
import { overlapsCommand } from './overlaps.js';
import { diffexecCommand } from './diffexec.js';
import { fitexecCommand } from './fitexec.js';
import { difffitexecCommand } from './difffitexec.js';
import { bgmodelCommand } from './bgmodel.js';
import { bgexecCommand } from './bgexec.js';
import { backgroundCommand } from './background.js';
import { addCommand } from './add.js';
import { buildCommand } from './build.js';
import { demoCommand } from './demo.js';
import { planCommand } from './plan.js';
import { runStageCommand } from './run.js';
import { checkCommand } from './check.js';
import { statusCommand } from './status.js';
import { slurmCommand } from './slurm.js';
import { viewCommand } from './view.js';
import { histogramCommand } from './histogram.js';
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
  overlapsCommand,
  diffexecCommand,
  fitexecCommand,
  difffitexecCommand,
  bgmodelCommand,
  bgexecCommand,
  backgroundCommand,
  addCommand,
  buildCommand,
  demoCommand,
  planCommand,
  runStageCommand,
  checkCommand,
  statusCommand,
  slurmCommand,
  viewCommand,
  histogramCommand,
  pix2skyCommand,
  sky2pixCommand,
];
