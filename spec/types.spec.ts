import { expect } from 'chai';
import { ENVIRONMENTS } from '../lib/types';

// lib/types.ts is the client's interfaces; its one runtime value is the table
// of hosted environments.
describe('ENVIRONMENTS', () => {
  it('maps production and environment_1 (UAT) to their https base URLs, and nothing else', () => {
    expect(ENVIRONMENTS).to.deep.equal({
      production: 'https://api.vitablehealth.com',
      environment_1: 'https://api.uat.vitablehealth.com',
    });
  });
});
