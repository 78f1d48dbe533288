export { PcoError, isPcoError } from './pco-error.js';
