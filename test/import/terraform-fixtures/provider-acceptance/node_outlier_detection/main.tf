resource "aws_appmesh_mesh" "test" {
  name = "tf-acc-node-outlier"
}

resource "aws_appmesh_virtual_node" "test" {
  name      = "tf-acc-node"
  mesh_name = aws_appmesh_mesh.test.id

  spec {
    backend {
      virtual_service {
        virtual_service_name = "servicea.simpleapp.local"
      }
    }

    listener {
      port_mapping {
        port     = 8080
        protocol = "tcp"
      }

      outlier_detection {
        base_ejection_duration {
          unit  = "ms"
          value = 250000
        }

        interval {
          unit  = "s"
          value = 10
        }

        max_ejection_percent = 50
        max_server_errors    = 5
      }
    }

    service_discovery {
      dns {
        hostname = "serviceb.simpleapp.local"
      }
    }
  }
}
