// A Go echo server (gorilla/websocket) for bench/load.ts: echoes every message with its type.
// Prints its URL on the first line. Built by bench/load.ts when Go is installed (never committed).
package main

import (
	"fmt"
	"net"
	"net/http"

	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}

func echo(writer http.ResponseWriter, request *http.Request) {
	connection, err := upgrader.Upgrade(writer, request, nil)
	if err != nil {
		return
	}
	defer connection.Close()
	for {
		kind, message, err := connection.ReadMessage()
		if err != nil {
			return
		}
		if connection.WriteMessage(kind, message) != nil {
			return
		}
	}
}

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Printf("ws://%s/\n", listener.Addr().String())
	panic(http.Serve(listener, http.HandlerFunc(echo)))
}
