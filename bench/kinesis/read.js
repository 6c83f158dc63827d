#!/usr/bin/env node
// The node side of `Reactive.Bench --kinesis`: reads every shard of a stream from TRIM_HORIZON in parallel with
// the AWS SDK for JavaScript, one GetRecords loop per shard, at most one call per shard every 200 ms (Kinesis'
// 5 per second, the same pacing rule as KinesisLineSource), until --expect records arrived.
//
//   node bench/kinesis/read.js --endpoint http://127.0.0.1:PORT --stream NAME --expect N [--limit 10000]
//
// Prints one line: {"records":N,"ms":ELAPSED,"calls":C} (the clock starts before ListShards).
'use strict'

const { performance } = require('perf_hooks')

function parseArgs(argv) {
  const o = { endpoint: undefined, stream: undefined, expect: undefined, limit: 10000, region: process.env.AWS_REGION || 'us-east-1' }
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1]
    switch (argv[i]) {
      case '--endpoint': o.endpoint = v; break
      case '--stream': o.stream = v; break
      case '--expect': o.expect = Number(v); break
      case '--limit': o.limit = Number(v); break
      case '--region': o.region = v; break
      default: throw new Error(`unknown option ${argv[i]}`)
    }
  }
  if (!o.endpoint || !o.stream || !(o.expect > 0)) throw new Error('--endpoint, --stream and --expect are required')
  return o
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function main() {
  const sdk = require('@aws-sdk/client-kinesis')
  const { NodeHttpHandler } = require('@smithy/node-http-handler')
  const o = parseArgs(process.argv.slice(2))
  const client = new sdk.KinesisClient({ endpoint: o.endpoint, region: o.region, requestHandler: new NodeHttpHandler() })
  const started = performance.now()
  const shards = (await client.send(new sdk.ListShardsCommand({ StreamName: o.stream }))).Shards
  let total = 0
  let calls = 0
  let done = false
  await Promise.all(shards.map(async (shard) => {
    let iterator = (await client.send(new sdk.GetShardIteratorCommand({
      StreamName: o.stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON',
    }))).ShardIterator
    let last = -Infinity
    while (!done && iterator) {
      const wait = last + 200 - performance.now()
      if (wait > 0) await sleep(wait)
      last = performance.now()
      const out = await client.send(new sdk.GetRecordsCommand({ ShardIterator: iterator, Limit: o.limit }))
      calls++
      for (const r of out.Records) {
        Buffer.from(r.Data).toString('utf8') // decoded, as the service decodes each record to text
      }
      total += out.Records.length
      if (total >= o.expect) done = true
      if (out.Records.length === 0 && out.MillisBehindLatest === 0) {
        // caught up: this shard is done for the benchmark (the stream is not written while it runs)
        break
      }
      iterator = out.NextShardIterator
    }
  }))
  console.log(JSON.stringify({ records: total, ms: performance.now() - started, calls }))
}

main().catch((e) => {
  console.error(`read.js: ${e.name}: ${e.message}`)
  process.exit(1)
})
