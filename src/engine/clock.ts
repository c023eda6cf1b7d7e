export * from '../time/clock.ts'; // Moved to time/; this re-export goes once no branch imports engine/clock.ts.
