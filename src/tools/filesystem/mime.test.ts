import { expect, test } from "bun:test";
import { detectMimeType, mimeExtension, mimeTypeMatches } from "./mime.ts";

// every expectation is what gabriel-vasile/mimetype, which PocketBase uses, answers for the same bytes
test("text files: their family of types and charset", () => {
  const cases: [string, string, string][] = [
    ["hello world", "text/plain; charset=utf-8", ".txt"],
    ["", "text/plain", ".txt"],
    ['{"a":1}', "application/json", ".json"],
    ["[1,2,3]", "application/json", ".json"],
    ["{", "application/json", ".json"],
    ['{"a":', "text/plain; charset=utf-8", ".txt"],
    ["[{]", "application/json", ".json"],
    ['{"a":1,}', "application/json", ".json"],
    ['"just a string"', "text/plain; charset=utf-8", ".txt"],
    ['{"a":1}\n{"a":2}\n', "application/x-ndjson", ".ndjson"],
    ["3\n4\n", "text/plain; charset=utf-8", ".txt"],
    ["a,b,c\n1,2,3\n", "text/csv", ".csv"],
    ["a,b\n1,2,3\n", "text/plain; charset=utf-8", ".txt"],
    ['x,"a,b"\n"a,b"\t"a,b"\n', "text/plain; charset=utf-8", ".txt"],
    ["a\tb\n1\t2\n", "text/tab-separated-values", ".tsv"],
    ["<!DOCTYPE html><html></html>", "text/html; charset=utf-8", ".html"],
    ["<p>x</p>", "text/html; charset=utf-8", ".html"],
    ["<pa>x</pa>", "text/plain; charset=utf-8", ".txt"],
    ['<?xml version="1.0"?><root/>', "text/xml; charset=utf-8", ".xml"],
    ['<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/svg+xml", ".svg"],
    ["<svg></svg>", "text/plain; charset=utf-8", ".txt"],
    ['<?xml version="1.0"?><rss version="2.0"></rss>', "application/rss+xml", ".rss"],
    ["<?php echo 1; ?>", "text/x-php", ".php"],
    ["#!/usr/bin/env node\nx", "text/javascript", ".js"],
    ["#!/bin/bash\necho", "text/x-shellscript", ".sh"],
    ["#!/usr/bin/perlx\n", "text/plain; charset=utf-8", ".txt"],
    ["{\\rtf1 x}", "text/rtf", ".rtf"],
    ["1\n00:00:01,000 --> 00:00:02,000\nhi\n", "application/x-subrip", ".srt"],
    ["WEBVTT\n", "text/vtt", ".vtt"],
    ["BEGIN:VCARD\nEND:VCARD\n", "text/vcard", ".vcf"],
    ["BEGIN:VCALENDAR\n", "text/plain; charset=utf-8", ".txt"],
  ];
  for (const [text, mime, ext] of cases) {
    const detected = detectMimeType(new TextEncoder().encode(text));
    expect([text, detected, mimeExtension(detected)]).toEqual([text, mime, ext]);
  }
});

test("binary files: signatures", () => {
  const cases: [string, number[], string, string][] = [
    ["png", [137, 80, 78, 71, 13, 10, 26, 10, 0, 0], "image/png", ".png"],
    ["jpeg", [255, 216, 255, 224], "image/jpeg", ".jpg"],
    ["gif", [71, 73, 70, 56, 57, 97], "image/gif", ".gif"],
    ["pdf", [37, 80, 68, 70, 45, 49, 46, 52], "application/pdf", ".pdf"],
    [
      "zip",
      [
        80, 75, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0,
      ],
      "application/zip",
      ".zip",
    ],
    ["gzip", [31, 139, 8], "application/gzip", ".gz"],
    ["7z", [55, 122, 188, 175, 39, 28], "application/x-7z-compressed", ".7z"],
    ["binary", [0, 1, 2, 3], "application/octet-stream", ""],
    ["ogg", [79, 103, 103, 83, 0, 2], "application/ogg", ".ogg"],
    ["exe", [77, 90, 0, 0], "application/vnd.microsoft.portable-executable", ".exe"],
    ["mp3", [73, 68, 51, 3, 0], "audio/mpeg", ".mp3"],
    ["mp4", [0, 0, 0, 24, 102, 116, 121, 112, 105, 115, 111, 109], "video/mp4", ".mp4"],
    ["webp", [82, 73, 70, 70, 0, 0, 0, 0, 87, 69, 66, 80, 86, 80, 56, 32], "image/webp", ".webp"],
    ["wasm", [0, 97, 115, 109], "application/wasm", ".wasm"],
    [
      "sqlite",
      [83, 81, 76, 105, 116, 101, 32, 102, 111, 114, 109, 97, 116, 32, 51, 0],
      "application/vnd.sqlite3",
      ".sqlite",
    ],
    [
      "docx",
      [
        80, 75, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 19, 0, 0, 0, 91, 67, 111, 110,
        116, 101, 110, 116, 95, 84, 121, 112, 101, 115, 93, 46, 120, 109, 108, 80, 75, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 119, 111, 114, 100, 47, 100, 111, 99, 117, 109, 101, 110,
        116, 46, 120, 109, 108,
      ],
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      ".docx",
    ],
    [
      "odt",
      [
        80, 75, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 109, 105, 109, 101,
        116, 121, 112, 101, 97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 118, 110, 100, 46, 111, 97, 115,
        105, 115, 46, 111, 112, 101, 110, 100, 111, 99, 117, 109, 101, 110, 116, 46, 116, 101, 120, 116,
      ],
      "application/vnd.oasis.opendocument.text",
      ".odt",
    ],
  ];
  for (const [label, bytes, mime, ext] of cases) {
    const detected = detectMimeType(new Uint8Array(bytes));
    expect([label, detected, mimeExtension(detected)]).toEqual([label, mime, ext]);
  }
});

test("a large JSON file cut at the detection limit is still JSON", () => {
  const big = JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`key${i}`, i])));
  expect(detectMimeType(new TextEncoder().encode(big))).toBe("application/json");
  expect(detectMimeType(new TextEncoder().encode(`${big.slice(0, 4000)}x`))).toBe("application/json");
});

test("a type matches its own name and aliases, without parameters", () => {
  expect(mimeTypeMatches("text/plain; charset=utf-8", "text/plain")).toBe(true);
  expect(mimeTypeMatches("application/zip", "application/x-zip-compressed")).toBe(true);
  expect(mimeTypeMatches("text/xml; charset=utf-8", "application/xml")).toBe(true);
  expect(mimeTypeMatches("image/png", "image/jpeg")).toBe(false);
  expect(mimeTypeMatches("application/json", "text/plain")).toBe(false);
});
