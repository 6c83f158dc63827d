#!/usr/bin/env node
// Test helper: turns a kinesalite shard iterator into one created SECONDS earlier, so that a test can
// get a real ExpiredIteratorException from kinesalite (iterators expire after 300 s) without waiting.
// It knows kinesalite's iterator format (an AES-encrypted "time/stream/shard/sequence/padding"), so
// it works with kinesalite only, never with real Kinesis.
//
//   node tests/kinesis/age-iterator.js ITERATOR SECONDS   → prints the aged iterator
'use strict'

const crypto = require('crypto')
const db = require('kinesalite/db')

const [iterator, seconds] = process.argv.slice(2)
if (!iterator || !(Number(seconds) > 0)) {
  console.error('usage: age-iterator.js ITERATOR SECONDS')
  process.exit(2)
}

const buffer = Buffer.from(iterator, 'base64')
const decipher = crypto.createDecipheriv('aes-256-cbc', db.ITERATOR_PWD_KEY, db.ITERATOR_PWD_IV)
const pieces = Buffer.concat([decipher.update(buffer.subarray(8)), decipher.final()]).toString('utf8').split('/')
pieces[0] = String(Number(pieces[0]) - Number(seconds) * 1000).padStart(14, '0')
const cipher = crypto.createCipheriv('aes-256-cbc', db.ITERATOR_PWD_KEY, db.ITERATOR_PWD_IV)
console.log(Buffer.concat([buffer.subarray(0, 8), cipher.update(pieces.join('/'), 'utf8'), cipher.final()]).toString('base64'))
