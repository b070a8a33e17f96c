/** The command registry: one module per command, listed in the order `mosaic --help` shows them. */
import type { Command } from '../command.js';

export const COMMANDS: Command[] = [];
