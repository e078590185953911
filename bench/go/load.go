// A Go load generator (gorilla/websocket) for bench/load.ts, doing what `wsterm bench URL -c N
// -d SEC --window K -x MSG` does: N connections, each keeping K copies of MSG in flight and
// sending the next when an echo comes back, for SEC seconds, timing each round trip (a sum, for
// the mean). Prints {"messages", "seconds", "perSecond", "meanMs"} like bench/load-floor.mjs.
// Run: load URL CONNECTIONS SECONDS IN_FLIGHT MESSAGE
package main

import (
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

type result struct {
	messages int
	total    time.Duration
	first    time.Time
	last     time.Time
}

func run(url string, until *time.Time, inFlight int, payload []byte, ready *sync.WaitGroup, start <-chan struct{}) result {
	connection, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		panic(err)
	}
	defer connection.Close()
	ready.Done()
	<-start
	var out result
	sentAt := make([]time.Time, 0, inFlight)
	send := func() {
		now := time.Now()
		if out.first.IsZero() {
			out.first = now
		}
		sentAt = append(sentAt, now)
		if err := connection.WriteMessage(websocket.TextMessage, payload); err != nil {
			panic(err)
		}
	}
	for index := 0; index < inFlight; index++ {
		send()
	}
	for len(sentAt) > 0 {
		if _, _, err := connection.ReadMessage(); err != nil {
			panic(err)
		}
		out.last = time.Now()
		out.messages++
		out.total += out.last.Sub(sentAt[0])
		sentAt = sentAt[1:]
		if out.last.Before(*until) {
			send()
		}
	}
	connection.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""))
	return out
}

func main() {
	url := os.Args[1]
	connections, _ := strconv.Atoi(os.Args[2])
	seconds, _ := strconv.ParseFloat(os.Args[3], 64)
	inFlight, _ := strconv.Atoi(os.Args[4])
	payload := []byte(os.Args[5])
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	results := make([]result, connections)
	ready.Add(connections)
	done.Add(connections)
	// Set before start is closed, read after: the channel orders the two.
	var until time.Time
	for index := 0; index < connections; index++ {
		go func(index int) {
			defer done.Done()
			results[index] = run(url, &until, inFlight, payload, &ready, start)
		}(index)
	}
	ready.Wait()
	until = time.Now().Add(time.Duration(seconds * float64(time.Second)))
	close(start)
	done.Wait()
	var total result
	for _, one := range results {
		total.messages += one.messages
		total.total += one.total
		if total.first.IsZero() || one.first.Before(total.first) {
			total.first = one.first
		}
		if one.last.After(total.last) {
			total.last = one.last
		}
	}
	elapsed := total.last.Sub(total.first).Seconds()
	json.NewEncoder(os.Stdout).Encode(map[string]float64{
		"messages":  float64(total.messages),
		"seconds":   elapsed,
		"perSecond": float64(total.messages) / elapsed,
		"meanMs":    total.total.Seconds() * 1000 / float64(total.messages),
	})
}
