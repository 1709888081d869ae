package cpu_test

import (
	"testing"

	"github.com/ncstudio/ncstudio/engine/backendtest"
	"github.com/ncstudio/ncstudio/engine/cpu"
)

func TestConformance(t *testing.T) { backendtest.Run(t, cpu.New()) }

func TestAgainstPyTorch(t *testing.T) { backendtest.CompareTorch(t, cpu.New()) }
