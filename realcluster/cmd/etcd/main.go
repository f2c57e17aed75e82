// Command etcd is the etcd server, built from its published Go module so the real-cluster tier needs
// no download from outside the Go module proxy. It is etcd's own entry point, unchanged.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
