resource "aws_appmesh_mesh" "test" {
  name = "tf-acc-route-grpc"
}

resource "aws_appmesh_virtual_router" "test" {
  name      = "tf-acc-router"
  mesh_name = aws_appmesh_mesh.test.id

  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "grpc"
      }
    }
  }
}

resource "aws_appmesh_virtual_node" "foo" {
  name      = "tf-acc-node-foo"
  mesh_name = aws_appmesh_mesh.test.id

  spec {}
}

resource "aws_appmesh_virtual_node" "bar" {
  name      = "tf-acc-node-bar"
  mesh_name = aws_appmesh_mesh.test.id

  spec {}
}

resource "aws_appmesh_route" "test" {
  name                = "tf-acc-route"
  mesh_name           = aws_appmesh_mesh.test.id
  virtual_router_name = aws_appmesh_virtual_router.test.name

  spec {
    grpc_route {
      match {
        metadata {
          name = "X-Testing1"
        }
      }

      retry_policy {
        grpc_retry_events = [
          "deadline-exceeded",
          "resource-exhausted",
        ]

        http_retry_events = [
          "server-error",
        ]

        max_retries = 1

        per_retry_timeout {
          unit  = "s"
          value = 15
        }
      }

      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.foo.name
          weight       = 100
        }
      }
    }
  }
}
