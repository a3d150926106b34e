/** The 1C client lives in src/onec-client/ (the smoke CLI and the image use it); tests keep importing it from here. */
export * from '../../src/onec-client/onec-client.js'
