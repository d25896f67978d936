export { freePort } from '../../src/demo/localPostgres';
