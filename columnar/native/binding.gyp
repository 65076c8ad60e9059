{
  "targets": [
    {
      "target_name": "lakeloop_duckdb",
      "sources": ["addon.cc", "arrow-scan.cc", "decode-chunk.cc", "result-to-arrow.cc"],
      "variables": { "libduckdb_dir": "<!(node find-libduckdb.cjs)" },
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-L<(libduckdb_dir)", "-lduckdb", "-Wl,-rpath,<(libduckdb_dir)"]
    }
  ]
}
