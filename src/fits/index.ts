/** FITS input and output: the public surface of `src/fits/`. */
export { Header, parseHeader, formatHeader, BLOCK_SIZE, type Card, type CardValue, type ParsedHeader } from './header.js';
export type { FitsImage, PixelArray, FitsFile, FitsHdu, HduType, FitsRowBand } from './types.js';
export { readFits, readImage, readImageRows, isImageHdu, type ReadFitsOptions, type ReadImageOptions, type ReadRowsOptions } from './read.js';
export { writeFits, createFitsWriter, primaryHeader, type FitsWriter, type WriteFitsOptions, type WriteBitpix, type ImageToWrite } from './write.js';
export { describeFits, type FitsDescription, type ImageHduDescription, type OtherHduDescription, type JsonStatistics } from './describe.js';
export { convertFits, type ConvertFitsOptions } from './convert.js';
export { hasCelestialWcs } from './celestial.js';
