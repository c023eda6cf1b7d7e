#!/usr/bin/env node
// `kubectl kanari …`: installed beside `kanari`, kubectl finds this file on the PATH as kubectl-kanari
// and runs it with the arguments after `kanari`; every command takes kubectl's --context, -n/--namespace
// and --kubeconfig (and KUBECONFIG), so it reads like any kubectl command.
process.env.KANARI_PROGRAM_NAME = 'kubectl kanari';
await import('./kanari.js');
