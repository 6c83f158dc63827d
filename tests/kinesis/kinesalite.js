#!/usr/bin/env node
// Starts kinesalite (a Kinesis implementation) on 127.0.0.1 only, for the tests and local runs.
//
//   node tests/kinesis/kinesalite.js [--port N] [--host ADDRESS] [--create-ms MS] [--update-ms MS] [--delete-ms MS]
//                                    [--shard-limit N] [--path DIR] [--exit-with-stdin]
//
// --port 0 (the default) lets the system choose a free port. --host is 127.0.0.1 by default; only a container, whose
// network is its own, listens on 0.0.0.0 (docker-compose.yml). Once listening it prints one line,
//   kinesalite ready on http://HOST:PORT
// which is the signal the tests wait for. It stops on SIGTERM/SIGINT and, with --exit-with-stdin,
// when its standard input closes (so a test host that dies takes it along). Run it with `node`, not
// `npx`, so the PID is the server. Without --path the streams live in memory only; with it they
// survive a restart. Stream changes (create, split) take --create-ms/--update-ms (default 0).
'use strict'

const path = require('path')

function parseArgs(argv) {
  const options = { port: 0, host: '127.0.0.1', createMs: 0, updateMs: 0, deleteMs: 0, shardLimit: 100, path: undefined, exitWithStdin: false }
  const names = {
    '--port': 'port', '--host': 'host', '--create-ms': 'createMs', '--update-ms': 'updateMs', '--delete-ms': 'deleteMs',
    '--shard-limit': 'shardLimit', '--path': 'path',
  }
  const texts = ['path', 'host']
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--exit-with-stdin') {
      options.exitWithStdin = true
      i--
      continue
    }
    const key = names[argv[i]]
    if (!key || i + 1 >= argv.length) {
      throw new Error(`unknown or incomplete option ${argv[i]} (known: ${Object.keys(names).join(', ')}, --exit-with-stdin)`)
    }
    options[key] = texts.includes(key) ? argv[i + 1] : Number(argv[i + 1])
    if (!texts.includes(key) && !(Number.isInteger(options[key]) && options[key] >= 0)) {
      throw new Error(`${argv[i]} needs a non-negative integer, got ${argv[i + 1]}`)
    }
  }
  return options
}

let kinesalite
try {
  kinesalite = require('kinesalite')
} catch (e) {
  console.error(`kinesalite is not installed: run \`npm ci\` in ${path.resolve(__dirname, '..', '..')} (${e.message})`)
  process.exit(2)
}

let options
try {
  options = parseArgs(process.argv.slice(2))
} catch (e) {
  console.error(e.message)
  process.exit(2)
}

const server = kinesalite({
  createStreamMs: options.createMs,
  updateStreamMs: options.updateMs,
  deleteStreamMs: options.deleteMs,
  shardLimit: options.shardLimit,
  path: options.path,
})

server.on('error', (e) => {
  console.error(`kinesalite failed: ${e.message}`)
  process.exit(1)
})

server.listen(options.port, options.host, () => {
  console.log(`kinesalite ready on http://${options.host}:${server.address().port}`)
})

function stop() {
  server.close(() => process.exit(0))
  // A client holding a keep-alive connection would keep close() waiting.
  setTimeout(() => process.exit(0), 1000).unref()
}

process.on('SIGTERM', stop)
process.on('SIGINT', stop)
if (options.exitWithStdin) {
  process.stdin.on('end', stop)
  process.stdin.on('error', stop)
  process.stdin.resume()
}
