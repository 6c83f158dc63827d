#!/usr/bin/env node
// An independent Kinesis producer on the AWS SDK for JavaScript, for tests and benchmarks: it puts
// records into a stream with PutRecords (batches of up to 500, failed entries retried) and prints
// what it wrote, one JSON line per record, then a summary line.
//
//   node tests/kinesis/produce.js --endpoint http://127.0.0.1:PORT --stream NAME
//        (--count N [--keys K] | --input FILE) [--create SHARDS] [--batch B] [--region R] [--quiet]
//
// --count N   puts N generated records {"id":i,"key":"key-<i % K>"} with partition key key-<i % K>
//             (K defaults to N, so keys spread over every shard)
// --input F   puts each non-empty line of F as one record, partition key line-<n>
// --create S  creates the stream with S shards first (and waits until it is ACTIVE)
// --quiet     prints the summary line only
//
// Each record line: {"partitionKey":…,"data":…,"shardId":…,"sequenceNumber":…}
// Summary line:     {"summary":{"stream":…,"records":N,"shards":{"shardId-…":n,…}}}
// Credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when set, else fixed local ones (kinesalite
// checks that a signature is present, not what it is).
'use strict'

const fs = require('fs')

function parseArgs(argv) {
  const o = { endpoint: undefined, stream: undefined, count: undefined, keys: undefined, input: undefined,
    create: undefined, batch: 500, region: process.env.AWS_REGION || 'us-east-1', quiet: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    const int = () => {
      const v = Number(next())
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a positive integer`)
      return v
    }
    switch (a) {
      case '--endpoint': o.endpoint = next(); break
      case '--stream': o.stream = next(); break
      case '--count': o.count = int(); break
      case '--keys': o.keys = int(); break
      case '--input': o.input = next(); break
      case '--create': o.create = int(); break
      case '--batch': o.batch = Math.min(500, int()); break
      case '--region': o.region = next(); break
      case '--quiet': o.quiet = true; break
      default: throw new Error(`unknown option ${a}`)
    }
  }
  if (!o.stream) throw new Error('--stream is required')
  if ((o.count === undefined) === (o.input === undefined)) throw new Error('give exactly one of --count and --input')
  return o
}

function records(o) {
  if (o.input !== undefined) {
    return fs.readFileSync(o.input, 'utf8').split(/\r?\n/).filter((l) => l.length > 0)
      .map((line, n) => ({ partitionKey: `line-${n + 1}`, data: line }))
  }
  const keys = o.keys || o.count
  return Array.from({ length: o.count }, (_, i) => {
    const key = `key-${i % keys}`
    return { partitionKey: key, data: JSON.stringify({ id: i, key }) }
  })
}

async function main() {
  let sdk, NodeHttpHandler
  try {
    sdk = require('@aws-sdk/client-kinesis');
    ({ NodeHttpHandler } = require('@smithy/node-http-handler'))
  } catch (e) {
    throw new Error(`the AWS SDK is not installed: run \`npm ci\` at the repository root (${e.message})`)
  }
  const o = parseArgs(process.argv.slice(2))
  const client = new sdk.KinesisClient({
    endpoint: o.endpoint,
    region: o.region,
    credentials: process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY ? undefined
      : { accessKeyId: 'AKIDLOCALPRODUCER', secretAccessKey: 'local-producer-secret' },
    requestHandler: new NodeHttpHandler(),
  })

  if (o.create !== undefined) {
    await client.send(new sdk.CreateStreamCommand({ StreamName: o.stream, ShardCount: o.create }))
    await sdk.waitUntilStreamExists({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 60 }, { StreamName: o.stream })
  }

  const all = records(o)
  const perShard = {}
  for (let start = 0; start < all.length; start += o.batch) {
    let pending = all.slice(start, start + o.batch)
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 20) throw new Error(`PutRecords kept failing for ${pending.length} records`)
      const out = await client.send(new sdk.PutRecordsCommand({
        StreamName: o.stream,
        Records: pending.map((r) => ({ PartitionKey: r.partitionKey, Data: Buffer.from(r.data, 'utf8') })),
      }))
      const failed = []
      out.Records.forEach((result, i) => {
        const r = pending[i]
        if (result.ErrorCode) {
          failed.push(r)
          return
        }
        perShard[result.ShardId] = (perShard[result.ShardId] || 0) + 1
        if (!o.quiet) {
          console.log(JSON.stringify({ partitionKey: r.partitionKey, data: r.data, shardId: result.ShardId,
            sequenceNumber: result.SequenceNumber }))
        }
      })
      pending = failed
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)))
    }
  }
  console.log(JSON.stringify({ summary: { stream: o.stream, records: all.length, shards: perShard } }))
}

main().catch((e) => {
  console.error(`produce.js: ${e.name === 'Error' ? '' : e.name + ': '}${e.message}`)
  process.exit(1)
})
